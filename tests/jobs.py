"""Jobs for worker-pool tests: importable by a spawned process without heavy imports."""
import os
import time


def sleep_forever():
    time.sleep(3600)


def pause(seconds: float) -> int:
    """Sleep, then answer with this process's id."""
    time.sleep(seconds)
    return os.getpid()


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes << 20))


def die():
    os._exit(9)


def act(kind: str, arg: int = 0):
    """One of the jobs above by name, for a batch handed to one worker."""
    return {"sleep": lambda: sleep_forever(), "allocate": lambda: allocate(arg), "die": lambda: die()}[kind]()


def imported(module: str) -> bool:
    """Whether this process has imported `module`."""
    import sys
    return module in sys.modules
