"""Command-line mistakes in Chinese: click's (Typer's vendored copy) and pydantic's English error sentences.

Typer's click builds its error messages as English f-strings ("No such option: --x", "Missing argument
'path'.") and Typer checks typed values with pydantic ("Input should be a valid integer"); there is no
catalogue to translate. So the finished message is rewritten, piece by piece, by the patterns below, when
an error is shown (every ClickException subclass's format_message, and the "Usage:" prefix). A message no
pattern knows stays as it is: never worse than before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# (pattern, replacement), applied in order to the whole message; \1… are the pattern's groups.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"No such option: (\S+)", r"没有这个选项：\1"),
        (r"No such command '(.+?)'\.?", r"没有这个命令「\1」。"),
        (r"\s*\(Possible options: (.+?)\)", r"（可能是：\1）"),
        (r"\.? ?Did you mean (.+?)\?", r"您要找的是不是 \1？"),
        (r"Missing argument '(.+?)'\.", r"缺少参数「\1」。"),
        (r"Missing option '(.+?)'\.", r"缺少选项「\1」。"),
        (r"Missing parameter: (\S+)", r"缺少参数「\1」"),
        (r"Missing parameter '(.+?)'\.", r"缺少参数「\1」。"),
        (r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", r"多出了参数：\1"),
        (r"Option '(.+?)' requires an argument\.", r"选项「\1」后面要跟一个值。"),
        (r"Option '(.+?)' requires (\d+) arguments\.", r"选项「\1」后面要跟 \2 个值。"),
        (r"Invalid value for '(.+?)': ", r"「\1」的值不对："),
        (r"Invalid value for (.+?): ", r"「\1」的值不对："),
        (r"Invalid value: ", r"值不对："),
        (r"Value '(.+?)' is not a valid integer\.", r"「\1」不是整数。"),
        (r"Value '(.+?)' is not a valid float\.", r"「\1」不是数字。"),
        (r"Value '(.+?)' is not a valid boolean\.", r"「\1」不是“是/否”（可写 true 或 false）。"),
        (r"Value '(.+?)' is not a valid (\w+)\.", r"「\1」的格式不对（应为 \2）。"),
        (r"'(.+?)' is not one of (.+?)\.", r"「\1」不在可选的值里，可选：\2。"),
        (r"'(.+?)' does not match the formats? (.+?)\.", r"「\1」不是认得的日期格式（可写 \2）。"),
        (r"(?:[Ff]ile|[Dd]irectory|[Pp]ath) '(.+?)' does not exist\.", r"「\1」不存在。"),
        (r"(?:[Ff]ile|[Dd]irectory|[Pp]ath) '(.+?)' is a file\.", r"「\1」是一个文件，这里要的是文件夹。"),
        (r"(?:[Ff]ile|[Dd]irectory|[Pp]ath) '(.+?)' is a directory\.", r"「\1」是一个文件夹，这里要的是文件。"),
        (r"(?:[Ff]ile|[Dd]irectory|[Pp]ath) '(.+?)' is not readable\.", r"「\1」没有读取权限。"),
        (r"(?:[Ff]ile|[Dd]irectory|[Pp]ath) '(.+?)' is not writable\.", r"「\1」没有写入权限。"),
        (r"Input should be a valid integer(?:, unable to parse string as an integer)?", "应为整数"),
        (r"Input should be a valid number(?:, unable to parse string as a number)?", "应为数字"),
        (r"Input should be a valid boolean(?:, unable to interpret input)?", "应为“是/否”（可写 true 或 false）"),
        (r"Input should be a valid date(?: or datetime)?(?:, .+)?", "应为日期（如 2025-06-30）"),
        (r"Input should be greater than or equal to (\S+)", r"应大于或等于 \1"),
        (r"Input should be less than or equal to (\S+)", r"应小于或等于 \1"),
        (r"Input should be greater than (\S+)", r"应大于 \1"),
        (r"Input should be less than (\S+)", r"应小于 \1"),
    )
)
USAGE_PREFIX = "用法："
USAGE_WORDS = (("[OPTIONS]", "[选项]"), ("COMMAND", "命令"), ("[ARGS]...", "[参数]..."))


def chinese_message(message: str) -> str:
    """The message with every known English sentence in Chinese."""
    for pattern, replacement in _PATTERNS:
        message = pattern.sub(replacement, message)
    return message


def translate_errors(exceptions: Any, formatting: Any) -> None:
    """Rewrite the messages of every exception class in `exceptions` (typer._click.exceptions) that
    formats its own, and make `formatting`'s usage line start with 用法：. Idempotent."""
    base = exceptions.ClickException
    for value in vars(exceptions).values():
        if isinstance(value, type) and issubclass(value, base) and (value is base or "format_message" in vars(value)):
            error_class: Any = value
            current = error_class.format_message  # the base's may be inherited (from TyperException)
            if not getattr(current, "_chinese", False):
                error_class.format_message = _translated(current)
    write_usage = formatting.HelpFormatter.write_usage
    if not getattr(write_usage, "_chinese", False):

        def chinese_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            for english, chinese in USAGE_WORDS:
                args = args.replace(english, chinese)
            write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

        chinese_usage._chinese = True  # type: ignore[attr-defined]
        formatting.HelpFormatter.write_usage = chinese_usage


def _translated(format_message: Callable[[Any], str]) -> Callable[[Any], str]:
    def chinese_format_message(self: Any) -> str:
        return chinese_message(format_message(self))

    chinese_format_message._chinese = True  # type: ignore[attr-defined]
    return chinese_format_message
