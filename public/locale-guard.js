// Some browsers report a POSIX locale such as "en-US@posix" (Chromium under LANG=C), which
// Intl rejects: uPlot builds an Intl.NumberFormat from navigator.language when it loads and
// would throw. Fall back to en-US for such a locale; any other locale is left alone.
(() => {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch (_) {
    try {
      Object.defineProperty(Navigator.prototype, "language", { configurable: true, get: () => "en-US" });
      Object.defineProperty(Navigator.prototype, "languages", { configurable: true, get: () => ["en-US"] });
    } catch (_) {
      // nothing more to do: the chart may not load, the rest of the dashboard does
    }
  }
})();
