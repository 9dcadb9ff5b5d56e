"""AndroidManifest.xml edits: `<queries>` packages, the return filter, exported, launchMode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from schemegen.apply.edit import (
    ACTION_MAIN,
    ACTION_VIEW,
    ANDROID_NS,
    CATEGORY_BROWSABLE,
    CATEGORY_DEFAULT,
    CATEGORY_LAUNCHER,
    KEPT_LAUNCH_MODES,
    Editor,
    ManifestWant,
    New,
    Node,
    PatchError,
    Plan,
    check_xml,
    escape_xml_text,
    finish_plan,
    parse,
)

if TYPE_CHECKING:
    pass


def _a(name: str) -> str:
    return f"{{{ANDROID_NS}}}{name}"


def plan_manifest(original: bytes, want: ManifestWant) -> Plan:
    """Decide and apply the edits that bring an AndroidManifest.xml to `want`."""
    doc = parse(original)
    root = doc.root
    if root.tag != "manifest":
        raise PatchError(f"root element is <{root.tag}>, not <manifest>")
    if not any(uri == ANDROID_NS and p for p, uri in root.el.nsmap.items()):
        raise PatchError(f"<manifest> does not declare a prefix for {ANDROID_NS}")
    editor = Editor(doc)
    changes: list[str] = []
    notes: list[str] = []
    _plan_queries(editor, want, changes)
    activity = _return_activity(root, want) or _find_activity(root, want.activity)
    _plan_return_filter(editor, activity, want.app_scheme, changes)
    label = activity.get(_a("name")) or "<activity>"
    exported = activity.get(_a("exported"))
    if exported is None:
        editor.set_attr(activity, f"{_prefix(activity)}:exported", _a("exported"), "true")
        changes.append(f'set android:exported="true" on `{label}`')
    elif exported != "true":
        notes.append(
            f'`{label}` has android:exported="{exported}": the return intent cannot reach it'
        )
    mode = activity.get(_a("launchMode"))
    if want.set_launch_mode and mode not in KEPT_LAUNCH_MODES:
        prefix = _prefix(activity)
        editor.set_attr(activity, f"{prefix}:launchMode", _a("launchMode"), "singleTask")
        was = mode or "standard"
        changes.append(f'set android:launchMode="singleTask" on `{label}` (was {was})')
    return finish_plan(doc, editor, original, changes, notes, check=check_xml)


def _prefix(node: Node) -> str:
    """A prefix bound to the Android namespace where `node` is (descendants may rebind one)."""
    bound = [p for p, uri in node.el.nsmap.items() if uri == ANDROID_NS and p]
    if not bound:
        line = node.el.sourceline
        raise PatchError(
            f"<{node.tag}> binds no prefix to {ANDROID_NS} (a namespace declaration "
            "on it or above it rebinds `android`), so nothing can be added there in the "
            "Android namespace; declare it again on that element",
            line,
        )
    return "android" if "android" in bound else str(bound[0])


def _plan_queries(editor: Editor, want: ManifestWant, changes: list[str]) -> None:
    root = editor.doc.root
    queries = [c for c in root.children if c.tag == "queries"]
    seen: set[str] = set()
    for query in queries:
        for node in query.children:
            if node.tag != "package" or (name := node.get(_a("name"))) is None:
                continue
            real = want.aliases.get(name, name) if want.fix else name
            if want.fix and real in seen:
                editor.remove(node)
                what = f"alias `{name}` of `{real}`" if real != name else f"`{name}`"
                changes.append(f"removed duplicate <package> {what}")
                continue
            if real != name:
                attr = node.attr(_a("name"))
                assert attr is not None
                editor.splice(attr.value_start, attr.value_end, escape_xml_text(real, attr.quote))
                changes.append(f"replaced <package> alias `{name}` by `{real}`")
            seen.add(real)
    missing = [p for p in want.packages if p not in seen]
    if not missing:
        return
    if queries:
        target = queries[0]
        news = [New("package", ((f"{_prefix(target)}:name", p),)) for p in missing]
        packages = [
            c for c in target.children if c.tag == "package" and id(c) not in editor.removed
        ]
        editor.append(target, news, after=packages[-1] if packages else None)
    else:
        application = next((c for c in root.children if c.tag == "application"), None)
        news = [New("package", ((f"{_prefix(root)}:name", p),)) for p in missing]
        block = New("queries", children=tuple(news))
        if application is not None:
            editor.insert_before(application, [block])
        else:
            editor.append(root, [block])
    changes.append(f"added {len(missing)} <queries> package(s): {', '.join(missing)}")


def _find_activity(root: Node, wanted: str | None) -> Node:
    package = root.get("package") or ""
    application = next((c for c in root.children if c.tag == "application"), None)
    if application is None:
        raise PatchError("no <application> element: is this a library manifest?")
    activities = [c for c in application.children if c.tag == "activity"]

    def full(name: str) -> str:
        if name.startswith("."):
            return package + name
        return name if "." in name else f"{package}.{name}"

    def named(name: str) -> list[Node]:
        return [
            a
            for a in activities
            if (n := a.get(_a("name"))) is not None
            and (n == name or full(n) == full(name) or full(n).endswith("." + name.lstrip(".")))
        ]

    if wanted is not None:
        found = named(wanted)
        if len(found) != 1:
            names = ", ".join(a.get(_a("name")) or "?" for a in activities) or "none"
            problem = "matches several activities" if found else "matches no activity"
            raise PatchError(f"--activity `{wanted}` {problem} (activities: {names})")
        return found[0]
    for component in application.children:
        if component.tag not in ("activity", "activity-alias") or not _is_launcher(component):
            continue
        if component.tag == "activity":
            return component
        target = named(component.get(_a("targetActivity")) or "")
        if len(target) == 1:
            return target[0]
    raise PatchError("no launcher activity (MAIN + LAUNCHER) found: pass --activity NAME")


def _return_activity(root: Node, want: ManifestWant) -> Node | None:
    """The activity that already claims the app scheme: a complete filter first.

    It is often the payment activity rather than the launcher; a second filter on another
    activity would make Android ask which of the two gets the card app's return.
    """
    if want.activity is not None:
        return None
    application = next((c for c in root.children if c.tag == "application"), None)
    if application is None:
        return None
    claims: list[tuple[bool, Node]] = []
    for activity in application.children:
        if activity.tag != "activity":
            continue
        for intent_filter in activity.children:
            if intent_filter.tag != "intent-filter":
                continue
            schemes = {d.get(_a("scheme")) for d in intent_filter.children if d.tag == "data"}
            if want.app_scheme in schemes:
                claims.append((not _is_complete(intent_filter), activity))
    if claims:
        return min(claims, key=lambda claim: claim[0])[1]
    empty = [
        activity
        for activity in application.children
        if activity.tag == "activity"
        and any(_is_schemeless_deep_link(f) for f in activity.children if f.tag == "intent-filter")
    ]
    return empty[0] if len(empty) == 1 else None


def _is_schemeless_deep_link(intent_filter: Node) -> bool:
    """VIEW and BROWSABLE with no `<data>` at all: a return filter whose scheme is missing."""
    return (
        intent_filter.tag == "intent-filter"
        and ACTION_VIEW in _names(intent_filter, "action")
        and CATEGORY_BROWSABLE in _names(intent_filter, "category")
        and not any(c.tag == "data" for c in intent_filter.children)
    )


def _is_complete(intent_filter: Node) -> bool:
    return ACTION_VIEW in _names(intent_filter, "action") and {
        CATEGORY_DEFAULT,
        CATEGORY_BROWSABLE,
    } <= _names(intent_filter, "category")


def _names(node: Node, tag: str) -> set[str]:
    return {n for c in node.children if c.tag == tag and (n := c.get(_a("name"))) is not None}


def _is_launcher(component: Node) -> bool:
    return any(
        ACTION_MAIN in _names(f, "action") and CATEGORY_LAUNCHER in _names(f, "category")
        for f in component.children
        if f.tag == "intent-filter"
    )


def _plan_return_filter(editor: Editor, activity: Node, scheme: str, changes: list[str]) -> None:
    filters = [c for c in activity.children if c.tag == "intent-filter"]
    label = activity.get(_a("name")) or "<activity>"
    for intent_filter in filters:
        schemes = {d.get(_a("scheme")) for d in intent_filter.children if d.tag == "data"}
        if scheme not in schemes:
            continue
        names = [ACTION_VIEW] if ACTION_VIEW not in _names(intent_filter, "action") else []
        categories = _names(intent_filter, "category")
        names += [c for c in (CATEGORY_DEFAULT, CATEGORY_BROWSABLE) if c not in categories]
        prefix = _prefix(intent_filter) if names else ""
        news = [
            New("action" if name == ACTION_VIEW else "category", ((f"{prefix}:name", name),))
            for name in names
        ]
        if news:
            first = intent_filter.children[0] if intent_filter.children else None
            if first is not None:
                editor.insert_before(first, news)
            else:
                editor.append(intent_filter, news)
            added = ", ".join(n.attrs[0][1].rsplit(".", 1)[-1] for n in news)
            changes.append(f"added {added} to the `{scheme}` intent-filter of `{label}`")
        return
    empty = next((f for f in filters if _is_schemeless_deep_link(f)), None)
    if empty is not None:
        # A VIEW + BROWSABLE filter without <data> matches no URL: it was meant for the return.
        prefix = _prefix(empty)
        news = [
            New("category", ((f"{prefix}:name", c),))
            for c in (CATEGORY_DEFAULT, CATEGORY_BROWSABLE)
            if c not in _names(empty, "category")
        ]
        editor.append(empty, [*news, New("data", ((f"{prefix}:scheme", scheme),))])
        changes.append(
            f'added `<data android:scheme="{scheme}"/>` to the empty deep-link '
            f"intent-filter of `{label}`"
        )
        return
    prefix = _prefix(activity)
    block = New(
        "intent-filter",
        children=(
            New("action", ((f"{prefix}:name", ACTION_VIEW),)),
            New("category", ((f"{prefix}:name", CATEGORY_DEFAULT),)),
            New("category", ((f"{prefix}:name", CATEGORY_BROWSABLE),)),
            New("data", ((f"{prefix}:scheme", scheme),)),
        ),
    )
    editor.append(activity, [block], after=filters[-1] if filters else None)
    changes.append(f"added the return intent-filter for `{scheme}` to `{label}`")
