import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { parse as parseQueryString } from 'node:querystring';
import { stripBidiControls } from '../forms/transforms.js';

/**
 * Shape limits for request bodies, checked on the raw text before anything walks the parsed value:
 * a form has at most MAX_FORM_FIELDS fields (the largest real form, the satisfaction score table
 * of every district, has under 100), and a JSON body (no page sends one; the parser stays for API
 * clients and tests) nests at most MAX_JSON_DEPTH levels. Every form value loses its bidi control
 * characters here (see BIDI_CONTROLS), so no stored text or name can read backwards. A 20,000-level JSON body used to
 * overflow the stack in the form validation (class-transformer walks nested objects recursively).
 */
export const MAX_FORM_FIELDS = 1000;
export const MAX_JSON_DEPTH = 32;

export const TOO_MANY_FIELDS = `提交的字段过多（最多 ${MAX_FORM_FIELDS} 项），请刷新页面后重试`;
const TOO_DEEP = `提交的数据嵌套过深（最多 ${MAX_JSON_DEPTH} 层）`;

/** How deep a JSON text nests (objects and arrays), stopping as soon as `limit` is passed. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) {
        index += 1; // the escaped character
      } else if (char === 0x22) {
        inString = false;
      }
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > limit) {
        return true;
      }
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}

/** `application/x-www-form-urlencoded`: repeated fields stay arrays; over the field cap is a 413. */
export function parseFormBody(body: string): Record<string, string | string[]> {
  let fields = body.length > 0 ? 1 : 0;
  for (let index = body.indexOf('&'); index !== -1; index = body.indexOf('&', index + 1)) {
    fields += 1;
    if (fields > MAX_FORM_FIELDS) {
      throw new PayloadTooLargeException(TOO_MANY_FIELDS);
    }
  }
  // maxKeys 0: no silent truncation (the count above already refused an oversized form).
  const form = parseQueryString(body, '&', '=', { maxKeys: 0 }) as Record<
    string,
    string | string[]
  >;
  // No field of any form keeps a bidi control (titles, names, free texts, hand-read fields too).
  for (const [key, value] of Object.entries(form)) {
    form[key] = Array.isArray(value) ? value.map(stripBidiControls) : stripBidiControls(value);
  }
  return form;
}

/** `application/json`: refused (400) when it nests too deep or is not JSON. */
export function parseJsonBody(body: string): unknown {
  if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) {
    throw new BadRequestException(TOO_DEEP);
  }
  if (body.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(body, (key, value: unknown) =>
      key === '__proto__' || key === 'constructor' ? undefined : value,
    ) as unknown;
  } catch {
    throw new BadRequestException('提交的数据格式有误');
  }
}
