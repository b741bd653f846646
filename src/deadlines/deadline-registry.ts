import { Injectable } from '@nestjs/common';
import type { DueItem, DueSource, DueWindow } from './due-items.js';

/**
 * The one place that knows every due date: each module registers a source of its due filings.
 * The reminders, the 填报进度 board, the home page's 待报送 and the 待办 read them all from here.
 */
@Injectable()
export class DeadlineRegistry {
  private readonly sources = new Map<string, DueSource>();

  register(source: DueSource): void {
    if (this.sources.has(source.module)) {
      throw new Error(`Due source ${source.module} is registered twice`);
    }
    this.sources.set(source.module, source);
  }

  all(): DueSource[] {
    return [...this.sources.values()];
  }

  get(module: string): DueSource | undefined {
    return this.sources.get(module);
  }

  /** Every due item in the window, of one module or all, ordered by due day, unit and title. */
  async items(window: DueWindow, module?: string): Promise<DueItem[]> {
    const sources = module ? this.all().filter((source) => source.module === module) : this.all();
    const lists = await Promise.all(sources.map((source) => source.items(window)));
    return lists
      .flat()
      .sort(
        (a, b) =>
          a.dueOn.localeCompare(b.dueOn) ||
          a.unitName.localeCompare(b.unitName, 'zh-CN') ||
          a.title.localeCompare(b.title, 'zh-CN'),
      );
  }
}
