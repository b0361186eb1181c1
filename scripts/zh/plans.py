"""Chinese for plans as content: the note on an item whose plain-language text is not written yet."""
ZH = {
    "Plain-language summary in preparation": "白话说明正在准备中",
}
