"""Test helpers for the login page."""

from captcha.models import CaptchaStore


def solved_captcha() -> dict[str, str]:
    """The form data of a picture code answered right, as a person reading it would."""
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}
