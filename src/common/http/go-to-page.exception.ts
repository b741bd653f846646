import { ForbiddenException } from '@nestjs/common';

/**
 * A refusal with a page that resolves it: a GET or htmx request is sent there (303), any other
 * request gets the 403 with the message. The error filter knows this class only, so the layers
 * above (sessions that still owe a step) decide what the page is.
 */
export class GoToPageException extends ForbiddenException {
  constructor(
    message: string,
    readonly page: string,
  ) {
    super(message);
  }
}
