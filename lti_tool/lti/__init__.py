"""LTI 1.3: registrations, keys, the OIDC login and launch (ours), deep linking, AGS, NRPS (lti-services)."""
