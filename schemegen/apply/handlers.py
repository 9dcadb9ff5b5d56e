"""Where `apply --framework` puts the generated framework files, and what to paste by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from schemegen.apply import placement

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


# The generated files whose doc comment holds the code to paste into MainActivity.
ACTIVITY_KEYS = (*placement.CHANNEL_KEYS.values(), *placement.PLUGIN_KEYS.values())


@dataclass(frozen=True)
class Snippet:
    where: str
    code: str


def placements(
    root: Path, keys: tuple[str, ...], places: Mapping[str, str] = PLACES
) -> tuple[tuple[Placement, ...], tuple[str, ...]]:
    """Where each target of `keys` goes under `root`, and the keys that have no place.

    A key the Flutter or Capacitor placement knows but `places` lacks (the other language's
    files) is left out on purpose, so it is not reported.
    """
    placed = tuple(Placement(key, root / places[key]) for key in keys if key in places)
    skipped = places.keys() | NOT_PLACED | placement.PLACEABLE
    return placed, tuple(key for key in keys if key not in skipped)


def snippet(framework: str, placed: Mapping[str, str]) -> Snippet | None:
    """The code the developer pastes by hand, from the `placed` texts by key, or None."""
    if framework in ("react-native", "expo"):
        return Snippet("the screen that shows the payment page", REACT_NATIVE_SNIPPET)
    for key in ACTIVITY_KEYS:
        code = placement.activity_snippet(placed[key]) if key in placed else None
        if code is not None:
            return Snippet("MainActivity", code)
    return None
