"""What every stage shares: hardened readers, diagnostics, headers, the atomic writer."""
