// Small progressive enhancements; every page works without this file.
document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
document.querySelectorAll("[data-confirm]").forEach(function (el) {
  el.addEventListener("click", function (event) {
    if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
});
document.querySelectorAll("[data-print]").forEach(function (el) {
  el.addEventListener("click", function () { window.print(); });
});
