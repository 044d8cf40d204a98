"""The user's keymap (keymap.toml's [keymap]: binding id = "keys") over the registry's keys.

Binding ids are the registry's (screens/actions.py: scope.keyword, e.g. list.export); Textual's
App.set_keymap swaps the keys of the bindings with those ids. An id the registry does not know is named
in Chinese and left out; the help (F1) and the command palette show the keys in force.
"""

from __future__ import annotations

from collections.abc import Mapping

from screens.actions import KEY_ACTIONS, SCOPE_TITLES, KeyAction, key_names
from workbench.services.settings import KEYMAP_FILE, KeymapFile

BINDING_IDS = frozenset(item.binding_id for item in KEY_ACTIONS if item.bound)


def usable_keymap(keymap: KeymapFile) -> tuple[dict[str, str], list[str]]:
    """The entries whose id is a workbench binding and whose keys no other key of the same screen (or of
    every screen) already has, and a sentence for each entry left out."""
    known = {binding_id: keys for binding_id, keys in keymap.keys.items() if binding_id in BINDING_IDS}
    problems = [
        f"快捷键设置 {KEYMAP_FILE}：没有编号为「{binding_id}」的操作（编号形如 list.export，见 README），已忽略这一项"
        for binding_id in keymap.keys
        if binding_id not in BINDING_IDS
    ]
    usable: dict[str, str] = {}
    for binding_id, keys in known.items():
        taken = _taken_by(binding_id, keys, known)
        if taken is None:
            usable[binding_id] = keys
        else:
            problems.append(
                f"快捷键设置 {KEYMAP_FILE}：「{binding_id}」设为「{key_names(keys)}」，"
                f"与「{taken.label}」（{SCOPE_TITLES.get(taken.scope, taken.scope)}）的按键相同，已忽略这一项"
            )
    return usable, problems


def _taken_by(binding_id: str, keys: str, rebound: Mapping[str, str]) -> KeyAction | None:
    """Another bound action that answers one of these keys where this one would: its own screen's keys,
    and the app's keys that work on every screen (a screen's key hides the app's)."""
    item = next(action for action in KEY_ACTIONS if action.binding_id == binding_id)
    wanted = set(keys.split(",")) - set(item.keys.split(","))  # its own keys may overlap by design (F1)
    for other in KEY_ACTIONS:
        if not other.bound or other.binding_id == binding_id:
            continue
        if other.scope != item.scope and "app" not in (other.scope, item.scope):
            continue
        if wanted & set(rebound.get(other.binding_id, other.keys).split(",")):
            return other
    return None


def effective_key_display(item: KeyAction, keymap: Mapping[str, str]) -> str:
    """How help and the palette show an action's keys: the keymap's when it rebinds them."""
    rebound = keymap.get(item.binding_id) if item.bound else None
    return key_names(rebound) if rebound else item.key_display
