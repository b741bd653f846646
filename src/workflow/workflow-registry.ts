import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import type { WorkflowChain } from './workflow-chain.js';
import type { WorkflowItemRow } from './workflow-item.js';
import type { RecordListing } from './workflow-visibility.js';

/** What a module tells the engine about one of its record types. */
export interface RecordTypeDefinition {
  /** Stored in workflow_items.record_type, e.g. 'demand'. */
  type: string;
  /** 改革需求, 试点推进状态, … */
  label: string;
  /** The functional area the inbox groups it under, e.g. 改革需求管理. */
  moduleLabel: string;
  chain: WorkflowChain;
  /** The record page of one revision. */
  link: (itemId: string) => string;
  /**
   * Units besides the owner, the acting and the competent unit that may read a submitted record
   * (a pilot's involved districts); the engine checks them wherever a record or its files are read.
   */
  viewerUnitIds?: (item: WorkflowItemRow) => Promise<number[]>;
  /**
   * What the type's ledgers add to the shared listing rule (`listingBranches`); the search lists
   * exactly what the ledgers list. Omitted: the rule alone (no involved units, no office queue).
   */
  listing?: RecordListing;
  /** Runs inside the approving transaction, e.g. to update a summary the module keeps. */
  onApproved?: (manager: EntityManager, item: WorkflowItemRow) => Promise<void>;
}

/** Work a module adds to a user's 待办 besides records awaiting review (e.g. tasks due for feedback). */
export interface InboxSection {
  title: string;
  rows: {
    href: string;
    title: string;
    meta: string;
    flags: { label: string; kind: 'bad' | 'warn' | 'info' }[];
  }[];
}
export type InboxSectionProvider = (user: AuthUser) => Promise<InboxSection | undefined>;

/** Record types register here when their module starts; the engine looks their chains up. */
@Injectable()
export class WorkflowRegistry {
  private readonly definitions = new Map<string, RecordTypeDefinition>();
  private readonly inboxProviders: InboxSectionProvider[] = [];
  private readonly transitionListeners: (() => void)[] = [];

  /**
   * Called after a transition's transaction has committed (in this process): for read models a
   * module keeps from the records' states, such as the 待办's 待报送.
   */
  onCommittedTransition(listener: () => void): void {
    this.transitionListeners.push(listener);
  }

  transitionCommitted(): void {
    for (const listener of this.transitionListeners) {
      listener();
    }
  }

  registerInboxSection(provider: InboxSectionProvider): void {
    this.inboxProviders.push(provider);
  }

  async inboxSections(user: AuthUser): Promise<InboxSection[]> {
    const sections = await Promise.all(this.inboxProviders.map((provider) => provider(user)));
    return sections.filter(
      (section): section is InboxSection => section !== undefined && section.rows.length > 0,
    );
  }

  register(definition: RecordTypeDefinition): void {
    const existing = this.definitions.get(definition.type);
    if (existing && existing !== definition) {
      throw new Error(`Record type ${definition.type} is registered twice`);
    }
    this.definitions.set(definition.type, definition);
  }

  get(type: string): RecordTypeDefinition {
    const definition = this.definitions.get(type);
    if (!definition) {
      throw new Error(`Unknown record type ${type}`);
    }
    return definition;
  }

  all(): RecordTypeDefinition[] {
    return [...this.definitions.values()];
  }
}
