// Scan a ticket's QR code with the phone's camera where the browser offers the
// BarcodeDetector API; the code is put in the form and submitted. Elsewhere the
// form works by typing (or with a hardware scanner that types).
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  var form = document.getElementById("check-in-form");
  var input = document.getElementById("ticket-code");
  var box = document.getElementById("scanner");
  var start = document.getElementById("scanner-start");
  var video = document.getElementById("scanner-video");
  var note = document.getElementById("scanner-unsupported");
  if (!form || !input || !box || !start || !video) {
    return;
  }
  box.hidden = false;
  if (note) {
    note.hidden = true;
  }
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  start.addEventListener("click", function () {
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        return video.play().then(function () {
          scan(stream);
        });
      })
      .catch(function () {
        start.hidden = true;
        if (note) {
          note.hidden = false;
        }
      });
  });
  function scan(stream) {
    detector
      .detect(video)
      .then(function (codes) {
        if (codes.length && codes[0].rawValue) {
          stream.getTracks().forEach(function (track) {
            track.stop();
          });
          input.value = codes[0].rawValue;
          form.submit();
          return;
        }
        window.requestAnimationFrame(function () {
          scan(stream);
        });
      })
      .catch(function () {
        window.setTimeout(function () {
          scan(stream);
        }, 250);
      });
  }
})();
