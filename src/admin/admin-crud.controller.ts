import { Body, Get, Param, Post, Res } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import type { FastifyReply } from 'fastify';
import { Call, type Caller } from '../auth/auth.decorators.js';
import { type FieldErrors, handleForm } from '../common/forms/form-validation.js';
import { setFlash } from '../common/http/flash.js';
import { seeOther } from '../common/htmx/htmx-request.js';

/** Where an admin action leads afterwards, and the success message shown there (if any). */
export interface AdminDone {
  to: string;
  flash?: string;
}

/** Who acts and from where (the audit log records both), and the page's query. */
export type AdminCall = Caller;

/** A form page to render: status 200 or 422, the item (none: the new item's form), its values. */
export interface AdminFormPage<Id> {
  status: number;
  id?: Id;
  values: Record<string, unknown>;
  errors: FieldErrors;
  call?: AdminCall;
}

/**
 * The routes the administration pages (users, units, dictionary items) share, written once:
 * edit (GET :id), create (POST), update (POST :id) with the form re-shown in place on 422, and
 * activation / deactivation. A page supplies its form, how it reads a path id, how it renders,
 * checks and saves; its list (and `new` form, where it has one) stay its own GET routes.
 */
export abstract class AdminCrudController<Id extends string | number, Form extends object> {
  protected abstract readonly form: ClassConstructor<Form>;

  /** The path id (a malformed one answers 404). */
  protected abstract parseId(raw: string): Id;

  /** The form page. */
  protected abstract renderForm(reply: FastifyReply, page: AdminFormPage<Id>): Promise<unknown>;

  /** The stored item as form values, for the edit page. */
  protected abstract storedValues(id: Id): Promise<Record<string, unknown>>;

  /** The checks that need the database, besides the form's own. */
  protected abstract formErrors(
    form: Form,
    id: Id | undefined,
    failed: ReadonlySet<string>,
    call: AdminCall,
  ): Promise<FieldErrors> | FieldErrors;

  /** Creates (id undefined) or updates the item. */
  protected abstract save(id: Id | undefined, data: Form, call: AdminCall): Promise<AdminDone>;

  protected abstract setActive(id: Id, active: boolean, call: AdminCall): Promise<AdminDone>;

  @Get(':id')
  async edit(@Param('id') raw: string, @Call() call: AdminCall, @Res() reply: FastifyReply) {
    const id = this.parseId(raw);
    const values = await this.storedValues(id);
    return this.renderForm(reply, { status: 200, id, values, errors: {}, call });
  }

  @Post()
  create(@Body() body: unknown, @Call() call: AdminCall, @Res() reply: FastifyReply) {
    return this.submit(undefined, body, call, reply);
  }

  @Post(':id')
  update(
    @Param('id') raw: string,
    @Body() body: unknown,
    @Call() call: AdminCall,
    @Res() reply: FastifyReply,
  ) {
    return this.submit(this.parseId(raw), body, call, reply);
  }

  @Post(':id/activation')
  activate(@Param('id') raw: string, @Call() call: AdminCall, @Res() reply: FastifyReply) {
    return this.finish(call, reply, this.setActive(this.parseId(raw), true, call));
  }

  @Post(':id/deactivation')
  deactivate(@Param('id') raw: string, @Call() call: AdminCall, @Res() reply: FastifyReply) {
    return this.finish(call, reply, this.setActive(this.parseId(raw), false, call));
  }

  /** Flashes the message and sends the browser on (303, or HX-Redirect for htmx). */
  protected async finish(call: AdminCall, reply: FastifyReply, done: Promise<AdminDone>) {
    const { to, flash } = await done;
    if (flash) {
      setFlash(reply, 'success', flash);
    }
    return seeOther(call.request, reply, to);
  }

  private submit(id: Id | undefined, body: unknown, call: AdminCall, reply: FastifyReply) {
    return handleForm(
      this.form,
      body,
      (values, errors) => this.renderForm(reply, { status: 422, id, values, errors, call }),
      (data) => this.finish(call, reply, this.save(id, data, call)),
      (form, failed) => this.formErrors(form, id, failed, call),
    );
  }
}
