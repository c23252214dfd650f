"""core.forms.submit_to_service: a valid form's data goes to the service; a refusal lands on the form."""

from django import forms
from django.core.exceptions import ValidationError

from core.forms import submit_to_service


class _Form(forms.Form):
    capacity = forms.IntegerField()


def _form(capacity):
    form = _Form({"capacity": capacity})
    assert form.is_valid()
    return form


def test_the_service_gets_the_cleaned_data_and_the_extra_arguments():
    calls = []

    def service(*, actor, capacity):
        calls.append((actor, capacity))
        return "saved"

    assert submit_to_service(_form("3"), service, actor="officer") == "saved"
    assert calls == [("officer", 3)]


def test_a_refusal_is_shown_at_its_field_and_nothing_is_returned():
    def service(*, capacity):
        raise ValidationError({"capacity": "Te veel bedden.", "other": "Algemene fout."})

    form = _form("3")
    assert submit_to_service(form, service) is None
    assert form.errors["capacity"] == ["Te veel bedden."]
    assert form.non_field_errors() == ["Algemene fout."]


def test_arguments_replace_the_cleaned_data_and_field_map_names_the_field_back():
    """A service whose arguments are named otherwise than the form's fields (``arguments=``): its
    refusal of an argument lands on the form field ``field_map`` names."""
    calls = []

    def service(*, actor, beds):
        calls.append((actor, beds))
        if beds > 5:
            raise ValidationError({"beds": "Te veel bedden."})
        return "saved"

    form = _form("3")
    assert submit_to_service(form, service, arguments={"beds": form.cleaned_data["capacity"]}, actor="o") == "saved"
    assert calls == [("o", 3)]
    form = _form("9")
    assert submit_to_service(form, service, arguments={"beds": 9}, field_map={"beds": "capacity"}, actor="o") is None
    assert form.errors["capacity"] == ["Te veel bedden."] and not form.non_field_errors()
