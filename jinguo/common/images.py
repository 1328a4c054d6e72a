"""Uploaded photos, re-encoded: only the pixels of a real image are ever stored.

A photo as a phone sends it carries EXIF (the place it was taken, to the metre, the phone, the
time), and a file can start like a JPEG and carry a web page behind it (or in a comment or a
colour profile). So every accepted photo is decoded with Pillow and written anew:
- only JPEG, PNG and WebP decoders are tried; anything they cannot decode is refused;
- its size is bounded before its pixels are decoded (a small file can claim gigapixels);
  a large JPEG is decoded at a reduced scale, and every photo is stored at most
  PHOTO_MAX_SIDE pixels on its longer side;
- the EXIF orientation is applied to the pixels, a colour profile converted to sRGB;
- it is saved in its own format with no metadata at all (no EXIF, XMP, comments, text chunks,
  profile), so nothing of the original file but its pixels survives.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Decoded pixels at most (a 50-megapixel photo; about 200 MB while it is re-encoded).
PHOTO_MAX_PIXELS = 50_000_000
# The longer side of a stored photo: enough to read a document photographed on a visit.
PHOTO_MAX_SIDE = 4096
JPEG_QUALITY = 85

_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
_SRGB = ImageCms.createProfile("sRGB")


class ImageRefused(Exception):
    pass


class NotAnImage(ImageRefused):
    """No decoder we allow takes it, or the pixels cannot be decoded."""


@dataclass(frozen=True)
class TooLarge(ImageRefused):
    width: int
    height: int


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str  # ".jpg", ".png" or ".webp"
    content_type: str


def _to_srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: the pixels as they are
    return converted if converted is not None else image


def _storable_mode(image: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.mode in ("RGB", "RGBA", "L", "LA", "P", "1") and fmt == "PNG":
        return image
    if image.mode in ("RGB", "RGBA") and fmt == "WEBP":
        return image
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def clean_image(data: bytes) -> CleanImage:
    """The photo in `data` re-encoded without metadata; NotAnImage or TooLarge otherwise."""
    try:
        image = Image.open(io.BytesIO(data), formats=list(_FORMATS))
    except Image.DecompressionBombError as exc:
        raise TooLarge(0, 0) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise NotAnImage from exc
    with image:
        fmt = str(image.format)
        if fmt == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that is still large enough
            image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        width, height = image.size
        if width * height > PHOTO_MAX_PIXELS:
            raise TooLarge(width, height)
        try:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            raise NotAnImage from exc
        upright = _to_srgb(upright)
        upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
        clean = _storable_mode(upright, fmt)
        # Saving takes a PNG's profile and a JPEG's comment from here: keep only transparency.
        clean.info = {k: v for k, v in clean.info.items() if k == "transparency"}
        out = io.BytesIO()
        if fmt == "PNG":
            clean.save(out, "PNG")
        else:
            clean.save(out, fmt, quality=JPEG_QUALITY)
    return CleanImage(
        content=out.getvalue(), extension=_FORMATS[fmt], content_type=f"image/{fmt.lower()}"
    )


def scaled_image(content: bytes, side: int) -> bytes:
    """A stored photo (re-encoded already, so trusted) as a JPEG at most `side` pixels on its
    longer side: a page's thumbnail, a document's picture. Transparency goes on white."""
    with Image.open(io.BytesIO(content), formats=list(_FORMATS)) as image:
        image.draft("RGB", (side, side))
        image.load()
        if "A" in image.getbands() or "transparency" in image.info:
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
        else:
            flat = image.convert("RGB")
    flat.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
