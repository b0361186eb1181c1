"""Chinese for search: near matches, more results, help when nothing matches, and the staff search report."""
ZH = {
    "No work point matches these words. Showing near matches: work points that share some characters with your search.":
        "没有与这些词语相符的工作要点。以下是相近的结果：与您的搜索有部分相同文字的工作要点。",
    "Show %(num)d more loosely related work point": "再显示%(num)d项关系较远的工作要点",
    "Show %(num)d more loosely related work points": "再显示%(num)d项关系较远的工作要点",
    "None of the 2023 work points matches your words. Try fewer or simpler words, or one of these:":
        "2023年的工作要点中没有与您的搜索相符的内容。请试试更少或更简单的词语，或者下面这些：",
    "A matter that is not in any plan": "不在任何计划中的事情",
    "You can raise it with your neighbourhood or village committee, at a doorstep service station, or through Shanghai's citizen service hotline 12345, which takes questions, requests and complaints about the city.":
        "您可以向所在的居委会或村委会、“家门口”服务站反映，也可以拨打上海市民服务热线12345，热线受理有关城市的咨询、求助和投诉。",
    "What residents looked for": "居民搜索了什么",
    "Searches that found nothing, found only near matches, or whose results nobody opened, counted per week (Monday to Sunday, Shanghai time). Only the words typed are kept, for %(days)d days: no address, no cookie. Add the missing words to content/thesaurus.yaml or content/aliases.yaml.":
        "没有找到结果、只找到相近结果或结果无人点开的搜索，按周统计（周一至周日，上海时间）。只保存输入的词语，保存%(days)d天；不记录网络地址，也不记录Cookie。缺少的词语请补充到 content/thesaurus.yaml 或 content/aliases.yaml。",
    "Week of %(day)s": "%(day)s这一周",
    "%(num)d search": "搜索%(num)d次",
    "%(num)d searches": "搜索%(num)d次",
    "nothing found: %(n)d": "没有结果：%(n)d次",
    "near matches only: %(n)d": "只有相近结果：%(n)d次",
    "results opened: %(n)d": "点开结果：%(n)d次",
    "No such searches in the last %(days)d days.": "最近%(days)d天没有这样的搜索。",
}
