"""Chinese for the shared error pages."""
ZH = {
    "Too many requests": "请求过于频繁",
    "You have made many requests in a short time. Please wait a few minutes and try again.": "您在短时间内的请求较多，请稍等几分钟再试。",
}
