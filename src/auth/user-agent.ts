/** A short, readable name of the browser and system behind a User-Agent (for the session list). */
export function describeUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent) {
    return '未知设备';
  }
  const browser =
    [
      [/Edg\//, 'Edge'],
      [/OPR\//, 'Opera'],
      [/MicroMessenger\//, '微信'],
      [/HeadlessChrome\//, 'Chrome（无界面）'],
      [/Chrome\//, 'Chrome'],
      [/Firefox\//, 'Firefox'],
      [/Safari\//, 'Safari'],
    ].find(([pattern]) => (pattern as RegExp).test(userAgent))?.[1] ?? '其他浏览器';
  const system =
    [
      [/Windows/, 'Windows'],
      [/Android/, 'Android'],
      [/iPhone|iPad/, 'iOS'],
      [/Mac OS X/, 'macOS'],
      [/Linux/, 'Linux'],
    ].find(([pattern]) => (pattern as RegExp).test(userAgent))?.[1] ?? '其他系统';
  return `${String(browser)} · ${String(system)}`;
}
