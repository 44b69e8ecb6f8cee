"""Shared test helpers for the LTI tool: RS256 keys, a loopback JWKS server, id_token builders."""
