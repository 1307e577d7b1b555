"""Software second factors: an authenticator app (TOTP) and a security key (WebAuthn)."""
