/* Course player hooks: never lose the learner's place in a video.
 *
 * - Remembers the last position of the lesson's video: a <video> inside an element with
 *   data-lesson-id (timeupdate), or a YouTube / Vimeo embed (their postMessage APIs, no
 *   script from those sites is loaded).
 * - When the learner leaves (tab hidden, page closed, or a link inside the app that changes
 *   the URL without a reload), sends that position with navigator.sendBeacon to
 *   POST /api/progress/position, which checks the session cookie and enrolment on the server.
 * - window.__lmsEmbed holds the embed's [position, duration, lesson id] so the page state can save it
 *   periodically over the websocket, exactly like a file video (LearnState.poll_position).
 */
(function () {
  if (window.__lmsPlayerHooks) return;
  window.__lmsPlayerHooks = true;
  var EMBED_ORIGINS = ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"];
  var last = null;  // {lesson_id, position, duration} not yet sent by a beacon

  function remember(lessonId, position, duration) {
    var id = parseInt(lessonId, 10);
    if (!id || !isFinite(position) || position < 0) return;
    last = {lesson_id: id, position: Math.floor(position), duration: isFinite(duration) ? Math.floor(duration) : 0};
  }

  function flush() {
    if (!last || !navigator.sendBeacon) return;
    var body = JSON.stringify(last);
    last = null;
    navigator.sendBeacon("/api/progress/position", new Blob([body], {type: "application/json"}));
  }

  document.addEventListener("timeupdate", function (e) {
    var v = e.target;
    var box = v && v.closest ? v.closest("[data-lesson-id]") : null;
    if (box) remember(box.getAttribute("data-lesson-id"), v.currentTime, v.duration);
  }, true);

  // Embeds: ask each new player iframe to report its time.
  function listen(frame) {
    var src = frame.getAttribute("src") || "";
    try {
      if (src.indexOf("youtube") >= 0) {
        frame.contentWindow.postMessage(JSON.stringify({event: "listening", id: 1, channel: "widget"}), "*");
      } else if (src.indexOf("vimeo") >= 0) {
        frame.contentWindow.postMessage(JSON.stringify({method: "addEventListener", value: "timeupdate"}),
                                        "https://player.vimeo.com");
      }
    } catch (err) { /* the frame is not ready yet */ }
  }
  document.addEventListener("load", function (e) {
    if (e.target && e.target.tagName === "IFRAME" && e.target.closest("[data-lesson-id]")) listen(e.target);
  }, true);

  window.addEventListener("message", function (e) {
    if (EMBED_ORIGINS.indexOf(e.origin) < 0) return;
    var frames = document.querySelectorAll("[data-lesson-id] iframe");
    var frame = null;
    for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow === e.source) frame = frames[i];
    if (!frame) return;
    var data = e.data;
    if (typeof data === "string") { try { data = JSON.parse(data); } catch (err) { return; } }
    if (!data || typeof data !== "object") return;
    var position = null, duration = 0;
    if (data.event === "infoDelivery" && data.info && typeof data.info.currentTime === "number") {
      position = data.info.currentTime; duration = data.info.duration || 0;  // YouTube
    } else if ((data.event === "timeupdate" || data.event === "playProgress") && data.data) {
      position = data.data.seconds; duration = data.data.duration || 0;       // Vimeo
    } else if (data.event === "ready") {
      listen(frame);                                                             // Vimeo is ready for commands
      return;
    }
    if (typeof position !== "number") return;
    var lessonId = frame.closest("[data-lesson-id]").getAttribute("data-lesson-id");
    window.__lmsEmbed = [position, duration, parseInt(lessonId, 10)];
    remember(lessonId, position, duration);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
  // Links inside the app change the URL without unloading the page: flush first.
  var push = history.pushState;
  history.pushState = function () { flush(); window.__lmsEmbed = null; return push.apply(this, arguments); };
  window.addEventListener("popstate", function () { flush(); window.__lmsEmbed = null; });
})();
