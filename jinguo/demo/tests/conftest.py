import pytest


@pytest.fixture(autouse=True)
def _demo_files_in_a_temporary_folder(settings, tmp_path):
    """The demo uploads photos, an attachment, a roster and a template: into the test's own
    folder, not the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
