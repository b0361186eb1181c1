/* Gives the comment form a random id, kept for the tab (sessionStorage): the server then stores a
   double click or a resend after the back button once, while two residents behind one address stay
   apart. The page is the same for every reader (it is cached), so the id cannot come from the server. */
(function () {
  "use strict";
  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var id = null;
  try {
    id = window.sessionStorage.getItem("comment-sender");
    if (!/^[0-9a-f]{32}$/.test(id || "")) {
      id = newId();
      window.sessionStorage.setItem("comment-sender", id);
    }
  } catch (e) {
    id = newId(); /* storage turned off: one id per page load still stops a double click */
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-sender]"), function (input) {
    input.value = id;
  });
}());
