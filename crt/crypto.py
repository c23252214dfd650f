"""Encryption at rest (AES-256-GCM, versioned keys) and the keyed blind index (HMAC-SHA256).

A token is ``v<version>$<base64(nonce || ciphertext+tag)>``. The version says which key of
``settings.CRT_ENCRYPTION_KEYS`` ("version:base64key,...", newest = highest version) opened it, so
keys rotate: ``rotate_crt_keys`` re-encrypts every token under the newest key. The associated data
binds a token to its field (a token copied into another column does not decrypt).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


class DecryptionError(Exception):
    """A token that no configured key opens (wrong key, wrong field or tampered)."""


def _keys() -> dict[int, bytes]:
    raw = settings.CRT_ENCRYPTION_KEYS
    keys: dict[int, bytes] = {}
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        version, _, b64 = part.partition(":")
        try:
            key = base64.b64decode(b64, validate=True)
            number = int(version)
        except (ValueError, binascii.Error) as exc:
            raise ImproperlyConfigured("CRT_ENCRYPTION_KEYS: expected 'version:base64key,...'") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"CRT_ENCRYPTION_KEYS: key version {number} is not 32 bytes (AES-256)")
        keys[number] = key
    if not keys:
        raise ImproperlyConfigured("CRT_ENCRYPTION_KEYS is empty")
    return keys


def current_key_version() -> int:
    return max(_keys())


def token_version(token: str) -> int | None:
    if not token or not token.startswith("v") or "$" not in token:
        return None
    try:
        return int(token[1:].split("$", 1)[0])
    except ValueError:
        return None


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt under the newest key; the empty string stays empty (nothing to hide)."""
    if not plaintext:
        return ""
    version = current_key_version()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_keys()[version]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"v{version}${base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    if not token:
        return ""
    version = token_version(token)
    keys = _keys()
    if version is None or version not in keys:
        raise DecryptionError("unknown key version")
    blob = base64.b64decode(token.split("$", 1)[1])
    try:
        return AESGCM(keys[version]).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("token does not open with its key") from exc


def reencrypt(token: str, *, context: str) -> str:
    """The same plaintext under the newest key (unchanged when already current)."""
    if not token or token_version(token) == current_key_version():
        return token
    return encrypt(decrypt(token, context=context), context=context)


def blind_index(value: str, *, context: str = "national_number") -> str:
    """HMAC-SHA256 of a normalised value with its own key: exact search without storing the value."""
    key = settings.CRT_BLIND_INDEX_KEY.encode()
    return hmac.new(key, f"{context}:{value}".encode(), hashlib.sha256).hexdigest()
