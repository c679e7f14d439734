// Keyboard access to scrolling tables (WCAG 2.1.1; axe "scrollable-region-focusable").
// Radix Themes tables scroll inside a viewport that is not focusable, so at phone width a keyboard
// user could not scroll a wide table. Every viewport that actually scrolls becomes a focusable,
// named region (named after the nearest labelled ancestor); it stops being one when it fits again.
(function () {
  var queued = false;
  function label(viewport) {
    var named = viewport.parentElement && viewport.parentElement.closest('[aria-label]');
    return 'Scrollable table' + (named ? ': ' + named.getAttribute('aria-label') : '');
  }
  function mark() {
    queued = false;
    var viewports = document.querySelectorAll('.rt-ScrollAreaViewport');
    for (var i = 0; i < viewports.length; i++) {
      var v = viewports[i];
      var scrolls = v.scrollWidth > v.clientWidth + 1 || v.scrollHeight > v.clientHeight + 1;
      if (scrolls && !v.hasAttribute('tabindex')) {
        v.setAttribute('tabindex', '0');
        v.setAttribute('role', 'region');
        v.setAttribute('aria-label', label(v));
        v.setAttribute('data-lms-scroll-region', '');
      } else if (!scrolls && v.hasAttribute('data-lms-scroll-region')) {
        v.removeAttribute('tabindex');
        v.removeAttribute('role');
        v.removeAttribute('aria-label');
        v.removeAttribute('data-lms-scroll-region');
      }
    }
  }
  function queue() {
    if (!queued) { queued = true; requestAnimationFrame(mark); }
  }
  function start() {
    new MutationObserver(queue).observe(document.body, {childList: true, subtree: true});
    window.addEventListener('resize', queue);
    queue();
  }
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
