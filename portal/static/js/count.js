/* Live character count for textareas with data-count-template (progressive enhancement: without
   JavaScript the maxlength attribute, the hint and the server's message do the same job).
   Counts code points with line breaks as one character, as the server does. */
(function () {
  "use strict";
  function setUp(area) {
    var out = document.getElementById(area.getAttribute("data-count-target"));
    if (!out) { return; }
    var template = area.getAttribute("data-count-template");
    var max = parseInt(area.getAttribute("maxlength"), 10);
    /* Screen readers hear the count from a separate live region once typing pauses, not at every key. */
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    out.parentNode.insertBefore(live, out.nextSibling);
    out.setAttribute("aria-hidden", "true");
    var timer = null;
    function text() {
      var n = Array.from(area.value.replace(/\r\n?/g, "\n")).length;
      out.classList.toggle("count-over", n > max);
      return template.replace("{n}", String(n));
    }
    out.textContent = text();
    out.hidden = false;
    area.addEventListener("input", function () {
      out.textContent = text();
      clearTimeout(timer);
      timer = setTimeout(function () { live.textContent = text(); }, 1500);
    });
  }
  document.querySelectorAll("textarea[data-count-template]").forEach(setUp);
}());
