"""Which code points are Chinese characters: one definition for telling the language of a text (i18n), search
analysis and the content checks. Plain strings and no imports, so portal.i18n can use it without loading the
search package (jieba and whoosh are heavy)."""
from __future__ import annotations

# Extension A, the basic block and the compatibility ideographs, then planes 2 and 3 whole (Extensions B to J and
# the compatibility supplement: Unicode gives those planes to Han alone). Rare characters there appear in
# personal and place names (𠀋, 𡐓), and a name must be found as it is written. The Yijing hexagrams (U+4DC0 to
# U+4DFF) between Extension A and the basic block are symbols, not characters.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
# Chinese punctuation and full-width forms (、。《》，：（）): in a text meant to be English they show Chinese
# as surely as a character does.
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
