"""Chinese for hostile-input handling: tracking look-up limits, tracking code examples, bad values."""
ZH = {
    "Tracking code (such as ZJ-7K3Q9M4XRT)": "查询码（如 ZJ-7K3Q9M4XRT）",
    "Too many look-ups": "查询过于频繁",
    "Many tracking codes have been looked up from your address in a short time. Please wait a minute and try again; your comment and its code are safe.":
        "您所在的网络地址在短时间内查询了较多查询码。请稍等一分钟再试；您的留言和查询码不受影响。",
}
