"""jieba's dictionary for the parsing workers, in a form that loads faster than jieba's own.

jieba keeps its parsed default dictionary (about half a million words and their prefixes) in a
marshal file whose load is the largest part of a worker's start-up. This keeps the same words
and frequencies as one UTF-8 block of words and an array of counts, which loads several times
faster, and hands them to a jieba tokenizer before anything asks it to initialize. The file is
built from jieba's own dictionary the first time, in the user's cache folder, and named after
jieba's version and its dictionary file's size and time, so another jieba builds its own.
Nothing in it is executed when read (unlike a pickle); a file that does not read back whole is
ignored and rebuilt.
"""
from __future__ import annotations

import array
import logging
import os
import sys
from pathlib import Path

from extractors.nlp_imports import import_jieba

FORMAT = "gazette-jieba-dictionary-1"


def load_dictionary(tokenizer=None, cache_dir: Path | None = None) -> None:
    """Initialize `tokenizer` (jieba's default one) from the cache, building the cache from
    jieba's own load when it is missing or unreadable. An initialized tokenizer is left alone."""
    jieba = import_jieba()

    jieba.setLogLevel(logging.WARNING)
    tokenizer = tokenizer if tokenizer is not None else jieba.dt
    if tokenizer.initialized or tokenizer.dictionary != jieba.DEFAULT_DICT:
        return  # a custom dictionary is jieba's own business
    try:
        path = cache_path(cache_dir)
    except (OSError, RuntimeError):  # no home folder, no jieba dictionary file: jieba's own load
        tokenizer.initialize()
        return
    loaded = read_dictionary(path)
    if loaded is None:
        tokenizer.initialize()
        try:
            write_dictionary(path, tokenizer.FREQ, tokenizer.total)
        except OSError:
            pass  # a read-only cache folder costs the next worker jieba's own load, nothing else
        return
    tokenizer.FREQ, tokenizer.total = loaded
    tokenizer.initialized = True


def cache_path(cache_dir: Path | None = None) -> Path:
    jieba = import_jieba()

    stat = (Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME).stat()
    folder = cache_dir or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gazette"
    return Path(folder) / f"jieba-{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}-{sys.byteorder}.dict"


def write_dictionary(path: Path, freq: dict[str, int], total: int) -> None:
    """Words joined by line breaks (no jieba word holds one), then their counts as int64."""
    words = "\n".join(freq).encode("utf-8")
    header = f"{FORMAT}\n{total}\n{len(freq)}\n{len(words)}\n".encode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as fh:
        fh.write(header)
        fh.write(words)
        array.array("q", freq.values()).tofile(fh)
    os.replace(partial, path)


def read_dictionary(path: Path) -> tuple[dict[str, int], int] | None:
    """(words → frequency, total), or None when the file is missing or not whole."""
    try:
        data = path.read_bytes()
        head = data.split(b"\n", 4)
        if len(head) < 5 or head[0].decode("ascii") != FORMAT:
            return None
        total, count, size = int(head[1]), int(head[2]), int(head[3])
        start = len(data) - len(head[4])
        words = data[start:start + size].decode("utf-8").split("\n")
        counts = array.array("q")
        counts.frombytes(data[start + size:])
    except (OSError, ValueError):
        return None
    if not (len(words) == len(counts) == count):
        return None
    return dict(zip(words, counts)), total
