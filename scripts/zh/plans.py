"""Chinese for plans as content: items whose plain-language text is not written yet, open-ended deadlines."""
ZH = {
    "Plain-language summary in preparation": "白话说明正在准备中",
    "all year: the notice sets no month": "全年：通知未定具体月份",
    "ongoing: the notice sets no month": "持续推进：通知未定具体月份",
}
