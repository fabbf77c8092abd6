from knowledge import pe_wagtail_hooks  # noqa: F401
