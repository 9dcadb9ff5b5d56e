"""Where `apply --framework` puts the generated framework files, and what to paste by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Project-relative homes of the framework targets, by target key.
PLACES: dict[str, str] = {
    "ts": "src/payment/paymentUrls.ts",
    "tsx": "src/payment/PaymentWebView.tsx",
    "expo-plugin": "plugins/withSchemegenPayment.js",
}
# The app.json `plugins` entry that loads the Expo plugin (Expo resolves it like require()).
EXPO_PLUGIN_ENTRY = "./plugins/withSchemegenPayment"
# Files `apply` edits in place or leaves to the web page, never writes as files.
NOT_PLACED = frozenset({"manifest", "plist", "js"})

REACT_NATIVE_SNIPPET = """\
import { PaymentWebView } from "./src/payment/PaymentWebView";

<PaymentWebView
  source={{ uri: paymentPageUrl }}
  onReturn={(url) => {
    // The card app came back through the return scheme; the page carries on.
  }}
/>
"""


@dataclass(frozen=True)
class Placement:
    key: str
    path: Path


def placements(root: Path, keys: tuple[str, ...]) -> tuple[tuple[Placement, ...], tuple[str, ...]]:
    """Where each target of `keys` goes under `root`, and the keys that have no place."""
    placed = tuple(Placement(key, root / PLACES[key]) for key in keys if key in PLACES)
    unplaced = tuple(key for key in keys if key not in PLACES and key not in NOT_PLACED)
    return placed, unplaced


def snippet(framework: str) -> str | None:
    """The code the developer pastes into their own screen, or None when there is none."""
    if framework in ("react-native", "expo"):
        return REACT_NATIVE_SNIPPET
    return None
