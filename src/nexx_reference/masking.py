"""Masks for the log: an address or number is shown only far enough to tell them apart."""


def mask_address(address: str) -> str:
    local, at, host = address.partition("@")
    if not at:
        return mask_phone(address)
    return f"{local[:1]}***@{host}"


def mask_phone(number: str) -> str:
    return f"{number[:3]}***{number[-2:]}" if len(number) > 6 else "***"
