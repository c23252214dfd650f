"""``{% municipality_quality municipality as dq %}``: the data-quality items of one municipality
for the signed-in user (hvt.quality), so the municipality page's partial
(``hvt/_municipality_quality.html``) needs nothing from its view."""

from django import template

from hvt import quality

register = template.Library()


@register.simple_tag(takes_context=True)
def municipality_quality(context, municipality) -> dict | None:
    """``None`` when the user may not see the report or the municipality is outside their scope."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not quality.can_view(user):
        return None
    return quality.municipality_quality_for_user(user, getattr(municipality, "pk", municipality))
