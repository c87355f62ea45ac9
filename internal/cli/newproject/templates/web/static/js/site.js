// Report what loaded, so a headless browser test can read it from the DOM.
window.addEventListener("load", function () {
  var logo = document.getElementById("logo");
  var heading = document.getElementById("greeting");
  var color = window.getComputedStyle(heading).color;
  document.getElementById("script-status").textContent =
    "JavaScript ran. logo=" + (logo.complete ? logo.naturalWidth : 0) + " color=" + color;
});
