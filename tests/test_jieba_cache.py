"""The parsing workers' copy of jieba's dictionary: the same words and counts as jieba's own
load, rebuilt when its file does not read back whole."""
from __future__ import annotations

import jieba
import pytest

from flows.ingest import jieba_cache

SENTENCE = "（北京市集成电路重大项目办公室）负责对获得药品注册证书的1类创新药给予支持"


@pytest.fixture(scope="module")
def reference():
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_a_dictionary_built_then_read_from_the_cache_is_jiebas_own(reference, tmp_path):
    built = jieba.Tokenizer()
    jieba_cache.load_dictionary(built, tmp_path)
    assert jieba_cache.cache_path(tmp_path).exists()
    cached = jieba.Tokenizer()
    jieba_cache.load_dictionary(cached, tmp_path)
    assert cached.initialized
    assert cached.total == reference.total and cached.FREQ == reference.FREQ
    assert list(cached.cut(SENTENCE)) == list(reference.cut(SENTENCE))


@pytest.mark.parametrize("damage", ["truncated", "foreign", "empty"])
def test_a_cache_file_that_does_not_read_back_whole_is_rebuilt(reference, tmp_path, damage):
    jieba_cache.load_dictionary(jieba.Tokenizer(), tmp_path)
    path = jieba_cache.cache_path(tmp_path)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[:len(data) // 2], "foreign": b"\x00" * 64, "empty": b""}[damage])
    assert jieba_cache.read_dictionary(path) is None
    tokenizer = jieba.Tokenizer()
    jieba_cache.load_dictionary(tokenizer, tmp_path)
    assert tokenizer.FREQ == reference.FREQ and tokenizer.total == reference.total
    assert jieba_cache.read_dictionary(path) is not None


def test_a_tokenizer_on_a_custom_dictionary_is_left_to_jieba(tmp_path):
    custom = tmp_path / "dict.txt"
    custom.write_text("北京 100 ns\n", encoding="utf-8")
    tokenizer = jieba.Tokenizer(str(custom))
    jieba_cache.load_dictionary(tokenizer, tmp_path)
    assert not tokenizer.initialized and not list(tmp_path.glob("*.dict"))
