"""The appeal state machine: every state x every action is either the one allowed step or a Chinese refusal."""

from __future__ import annotations

import itertools

import pytest

from workbench.domain import appeal_states as states
from workbench.domain.appeal_states import IllegalTransition, allowed_actions, next_state

ALLOWED = {
    (states.RECEIVED, states.ASSIGN): states.HANDLING,
    (states.HANDLING, states.ASSIGN): states.HANDLING,
    (states.HANDLING, states.NOTE): states.HANDLING,
    (states.HANDLING, states.REPLY): states.REPLIED,
    (states.REPLIED, states.ASSIGN): states.REPLIED,
    (states.REPLIED, states.NOTE): states.REPLIED,
    (states.REPLIED, states.REPLY): states.REPLIED,
    (states.REPLIED, states.CLOSE): states.CLOSED,
    (states.CLOSED, states.FOLLOW_UP): states.FOLLOWED_UP,
    (states.CLOSED, states.REOPEN): states.HANDLING,
    (states.FOLLOWED_UP, states.REOPEN): states.HANDLING,
}
EVERY_PAIR = list(itertools.product(states.STATE_LABELS, states.ACTIONS))
REFUSED = [pair for pair in EVERY_PAIR if pair not in ALLOWED]


@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_allowed_steps_lead_where_the_loop_says(state: str, action: str) -> None:
    assert next_state(state, action) == ALLOWED[(state, action)]


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_every_other_step_is_refused_naming_state_and_action(state: str, action: str) -> None:
    with pytest.raises(IllegalTransition) as refused:
        next_state(state, action)
    message = str(refused.value)
    assert f"「{states.STATE_LABELS[state]}」" in message
    assert f"不能{states.ACTION_LABELS[action]}" in message
    assert message.isascii() is False and "：" in message


def test_the_machine_table_is_exactly_the_intended_one() -> None:
    assert states.TRANSITIONS == ALLOWED
    assert len(EVERY_PAIR) == 30 and len(REFUSED) == 19


@pytest.mark.parametrize("state", [states.RECEIVED, states.HANDLING])
def test_closing_without_a_reply_says_a_reply_comes_first(state: str) -> None:
    with pytest.raises(IllegalTransition, match="办结前必须先答复"):
        next_state(state, states.CLOSE)


@pytest.mark.parametrize("state", [states.RECEIVED, states.HANDLING, states.REPLIED])
def test_follow_up_before_closing_says_close_first(state: str) -> None:
    with pytest.raises(IllegalTransition, match="办结之后才能回访"):
        next_state(state, states.FOLLOW_UP)


def test_a_closed_appeal_must_be_reopened_before_more_work() -> None:
    with pytest.raises(IllegalTransition, match="请先重新办理"):
        next_state(states.CLOSED, states.NOTE)


def test_allowed_actions_follow_the_table() -> None:
    assert allowed_actions(states.RECEIVED) == (states.ASSIGN,)
    assert allowed_actions(states.REPLIED) == (states.ASSIGN, states.NOTE, states.REPLY, states.CLOSE)
    assert allowed_actions(states.FOLLOWED_UP) == (states.REOPEN,)
