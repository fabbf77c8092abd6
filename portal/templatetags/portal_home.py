"""Template tags of the member home and the dashboards."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """A member home panel rendered with its own template and context."""
    request = context.get("request")
    return render_to_string(panel.template, {**panel.context, "panel": panel}, request=request)
