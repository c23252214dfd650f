import pytest

pytestmark = pytest.mark.django_db


def test_dutch_even_for_an_english_browser(client):
    body = client.get("/account/aanmelden/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Gebruikersnaam" in body and "Username" not in body


def test_english_when_the_user_chooses_it(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/account/aanmelden/"})
    response = client.get("/account/aanmelden/")
    assert response["Content-Language"] == "en"
    assert "Username" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_dutch(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/account/aanmelden/")["Content-Language"] == "nl"
