"""Chinese for paged threads, project lists, the full history page and the moderation pages."""
ZH = {
    "Newer": "较新",
    "Older": "较早",
    "Pages": "分页",
    "Pages of comments": "留言分页",
    "Pages of projects": "项目分页",
    "All %(n)s updates": "查看全部 %(n)s 条进展",
    "All updates": "全部进展",
    "All updates: %(title)s": "全部进展：%(title)s",
    "Back to the work point": "返回这项工作",
    "Newest first, 20 a page; on each page, comments with an official reply come first. Page %(page)s of %(pages)s.":
        "按时间从新到旧，每页20条；每页中已有官方回复的留言排在前面。第 %(page)s 页，共 %(pages)s 页。",
    "Page %(page)s of %(pages)s.": "第 %(page)s 页，共 %(pages)s 页。",
}
ZH.update({
    "Every published update of work point %(code)s, %(title)s, newest first.":
        "第%(code)s项工作“%(title)s”已发布的全部进展，按时间从新到旧排列。",
})
