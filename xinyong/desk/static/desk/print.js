// The "打印核查结果" button of a check's page (the print stylesheet keeps the result only).
(function () {
  "use strict";
  var button = document.querySelector("button[data-print]");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
