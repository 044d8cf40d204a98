"""The closed loop of an appeal (诉求): its states, the actions staff take, and which action is allowed when.

    待分派 --分派--> 办理中 --答复--> 已答复 --办结--> 已办结 --回访--> 已回访
                     ^  (转派, 办理记录)   (修改答复, 办理记录)   |                |
                     +-------------------- 重新办理 ------------+----------------+

No closing without a reply; no 回访 before closing. Every refusal names the current state and the action.
"""

from __future__ import annotations

RECEIVED = "received"
HANDLING = "handling"
REPLIED = "replied"
CLOSED = "closed"
FOLLOWED_UP = "followed_up"

STATE_LABELS: dict[str, str] = {
    RECEIVED: "待分派",
    HANDLING: "办理中",
    REPLIED: "已答复",
    CLOSED: "已办结",
    FOLLOWED_UP: "已回访",
}
OPEN_STATES = frozenset({RECEIVED, HANDLING, REPLIED})

INTAKE = "intake"
ASSIGN = "assign"
NOTE = "note"
REPLY = "reply"
CLOSE = "close"
FOLLOW_UP = "follow_up"
REOPEN = "reopen"

ACTION_LABELS: dict[str, str] = {
    INTAKE: "登记",
    ASSIGN: "分派",
    NOTE: "添加办理记录",
    REPLY: "答复",
    CLOSE: "办结",
    FOLLOW_UP: "回访",
    REOPEN: "重新办理",
}
ACTIONS = (ASSIGN, NOTE, REPLY, CLOSE, FOLLOW_UP, REOPEN)

# (state, action) -> the state after it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (RECEIVED, ASSIGN): HANDLING,
    (HANDLING, ASSIGN): HANDLING,
    (HANDLING, NOTE): HANDLING,
    (HANDLING, REPLY): REPLIED,
    (REPLIED, ASSIGN): REPLIED,
    (REPLIED, NOTE): REPLIED,
    (REPLIED, REPLY): REPLIED,
    (REPLIED, CLOSE): CLOSED,
    (CLOSED, FOLLOW_UP): FOLLOWED_UP,
    (CLOSED, REOPEN): HANDLING,
    (FOLLOWED_UP, REOPEN): HANDLING,
}

# Why an action is refused, for the refusals a person is most likely to try.
_REASONS: dict[tuple[str, str], str] = {
    (RECEIVED, NOTE): "请先分派给包联干部",
    (RECEIVED, REPLY): "请先分派给包联干部办理",
    (RECEIVED, CLOSE): "尚未答复，办结前必须先答复",
    (HANDLING, CLOSE): "尚未答复，办结前必须先答复",
    (RECEIVED, FOLLOW_UP): "办结之后才能回访",
    (HANDLING, FOLLOW_UP): "办结之后才能回访",
    (REPLIED, FOLLOW_UP): "办结之后才能回访",
    (FOLLOWED_UP, FOLLOW_UP): "已经回访过；如需再次处理请先重新办理",
    (RECEIVED, REOPEN): "诉求尚未办结，无需重新办理",
    (HANDLING, REOPEN): "诉求尚未办结，无需重新办理",
    (REPLIED, REOPEN): "诉求尚未办结，无需重新办理",
    (CLOSED, CLOSE): "诉求已经办结",
    (FOLLOWED_UP, CLOSE): "诉求已经办结",
}
_DONE_REASON = "诉求已办结，如需继续办理请先重新办理"


class IllegalTransition(ValueError):
    """An action not allowed in the appeal's current state; the message is for the person who tried it."""

    def __init__(self, state: str, action: str) -> None:
        self.state = state
        self.action = action
        reason = _REASONS.get((state, action)) or (
            "当前状态不允许此操作" if state in OPEN_STATES else _DONE_REASON
        )
        super().__init__(
            f"诉求当前为「{STATE_LABELS.get(state, state)}」，不能{ACTION_LABELS.get(action, action)}：{reason}"
        )


def next_state(state: str, action: str) -> str:
    """The state after action, or IllegalTransition."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(state, action) from None


def allowed_actions(state: str) -> tuple[str, ...]:
    """What the screen may offer for an appeal in this state, in the order of the loop."""
    return tuple(action for action in ACTIONS if (state, action) in TRANSITIONS)
