"""The one exception type the CLI turns into a single `Error: ...` line."""

from enum import IntEnum


class ExitStatus(IntEnum):
    """Named exit codes, so scripts and cron can tell failures apart."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


class KundenpflegeError(Exception):
    """A problem the user can fix; the message says what to do next."""

    exit_status = ExitStatus.ERROR


class UsageError(KundenpflegeError):
    """The command line itself is wrong (exit 2, like argument errors)."""

    exit_status = ExitStatus.USAGE
