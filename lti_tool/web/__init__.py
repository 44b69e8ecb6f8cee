"""HTTP side of the LTI tool: pages (login, launch, JWKS, health) and the /api adapter to the core."""
