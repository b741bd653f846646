import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-context.js';
import { requireUnitReadable } from '../auth/data-scope.js';
import { ROLE_LABELS, type RoleCode } from '../auth/roles.js';
import { NAVIGATION } from './navigation.js';

@Injectable()
export class HomeService {
  constructor(private readonly dataSource: DataSource) {}

  dashboard(user: AuthUser) {
    const shortcuts = NAVIGATION.flatMap((section) => section.items)
      .filter((item) => item.href !== '/' && item.roles.some((role) => user.roles.includes(role)))
      .map((item) => ({ label: item.label, href: item.href }));
    return {
      title: '首页',
      greetingName: user.name,
      unitName: user.unitName,
      roleLabels: user.roles.map((role) => ROLE_LABELS[role]),
      shortcuts,
    };
  }

  async unitMembers(user: AuthUser, unitId: number) {
    requireUnitReadable(user, unitId);
    const units: { name: string }[] = await this.dataSource.query(
      `SELECT name FROM units WHERE id = $1`,
      [unitId],
    );
    if (!units[0]) {
      throw new NotFoundException();
    }
    const members: { name: string; roles: RoleCode[]; active: boolean }[] =
      await this.dataSource.query(
        `SELECT name, roles, active FROM users WHERE unit_id = $1 ORDER BY active DESC, name`,
        [unitId],
      );
    return {
      title: `${units[0].name}人员`,
      unitName: units[0].name,
      members: members.map((member) => ({
        name: member.name,
        roleLabels: member.roles.map((role) => ROLE_LABELS[role]).join('、'),
        active: member.active,
      })),
    };
  }

  async health() {
    await this.dataSource.query('SELECT 1');
    return { status: 'ok' };
  }
}
