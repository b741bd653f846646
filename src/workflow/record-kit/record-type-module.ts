import { Inject, type OnModuleInit } from '@nestjs/common';
import { WorkflowRegistry, type RecordTypeDefinition } from '../workflow-registry.js';

/**
 * The Nest module of a record type that needs nothing but its registration with the workflow:
 * `export class DemandsModule extends RegistersRecordType({...}) {}` registers the definition
 * when the module starts.
 */
export function RegistersRecordType(definition: RecordTypeDefinition) {
  class RecordTypeRegistration implements OnModuleInit {
    // Injected by token: a module class is no provider, and the subclass declares no constructor.
    constructor(@Inject(WorkflowRegistry) private readonly registry: WorkflowRegistry) {}

    onModuleInit(): void {
      this.registry.register(definition);
    }
  }
  return RecordTypeRegistration;
}
