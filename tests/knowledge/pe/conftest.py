import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Evidence uploaded in a test stays in the test's own folder.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def pe_check_registered():
    """The ledger registered as certification's PE check (as KnowledgeConfig.ready does)."""
    from knowledge.pe_selectors import pe_requirement_check
    from members.services import certification

    previous = certification._pe_requirement_check
    certification.pe_requirement_check_register(pe_requirement_check)
    yield
    certification.pe_requirement_check_register(previous)
