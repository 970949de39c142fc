// When an HTMX request fails, say why where the answer would have gone, instead of swapping
// nothing. The server's error pages carry their reason in [data-error-reason]; a network
// failure or another server's page gets the generic texts from this script tag's data-*.
(function () {
  "use strict";
  var script = document.currentScript;
  var texts = {
    network: (script && script.dataset.networkError) || "The server could not be reached.",
    server: (script && script.dataset.serverError) || "Something went wrong.",
  };

  function reasonFrom(xhr) {
    var type = (xhr && xhr.getResponseHeader("Content-Type")) || "";
    if (type.indexOf("text/html") === 0 && xhr.responseText) {
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var reason = page.querySelector("[data-error-reason]");
      if (reason && reason.textContent.trim()) {
        return reason.textContent.trim();
      }
    }
    return texts.server + (xhr && xhr.status ? " (HTTP " + xhr.status + ")" : "");
  }

  // The alert goes just before the element that made the request (a form, a button, a
  // select), so it reads next to what the person just did.
  function anchorOf(elt) {
    var form = elt.closest ? elt.closest("form") : null;
    return form || elt;
  }

  function show(elt, text) {
    var anchor = anchorOf(elt);
    var alert = anchor.previousElementSibling;
    if (!alert || !alert.classList.contains("htmx-error")) {
      alert = document.createElement("p");
      alert.className = "message error htmx-error";
      alert.setAttribute("role", "alert");
      anchor.parentNode.insertBefore(alert, anchor);
    }
    alert.textContent = text; // text, never HTML
  }

  function clear(elt) {
    var anchor = anchorOf(elt);
    var alert = anchor.previousElementSibling;
    if (alert && alert.classList.contains("htmx-error")) {
      alert.remove();
    }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    clear(event.detail.elt);
  });
  document.addEventListener("htmx:responseError", function (event) {
    show(event.detail.elt, reasonFrom(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function (event) {
    show(event.detail.elt, texts.network);
  });
})();
