import { createIssuedProject } from '../helpers/major-projects.fixture.js';
import { login } from '../helpers/http-session.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/users.factory.js';

/**
 * A form refused on save is shown at the address it was posted to; reloading that page (F5, or
 * opening it again from the history) asks for the same address with GET. Those addresses lead
 * back to their form instead of 「页面不存在」.
 */
describe('Reloading the page of a refused save', () => {
  let testApp: TestApp;
  let office: TestUser;
  let survey: TestUser;
  let deptClerk: TestUser;
  let projectId: string;

  beforeAll(async () => {
    testApp = await createTestApp();
    const ds = testApp.dataSource;
    office = await createUser(ds, { unitCode: '市委改革办', roles: ['office'] });
    survey = await createUser(ds, { unitCode: '市社情民意调查中心', roles: ['entry'] });
    deptClerk = await createUser(ds, { unitCode: '市发展改革委', roles: ['entry'] });
    projectId = (await createIssuedProject(ds, { unit: '市发展改革委', createdBy: office.id }))
      .projectId;
  });

  afterAll(async () => {
    await testApp.close();
  });

  const reloadOf = async (user: TestUser, path: string) => {
    const session = await login(testApp.server, user.mobile, user.password);
    const response = await session.agent.get(path);
    return { status: response.status, location: response.headers.location };
  };

  it('should lead a 措施迭代 form back to its project', async () => {
    const session = await login(testApp.server, deptClerk.mobile, deptClerk.password);
    const refused = await session.post(`/major-projects/${projectId}/iterations`, {});
    expect(refused.status).toBe(422);
    expect(await reloadOf(deptClerk, `/major-projects/${projectId}/iterations`)).toEqual({
      status: 303,
      location: `/major-projects/${projectId}/iterations/new`,
    });
  });

  it('should lead the band settings, the what-if upload and the satisfaction import back', async () => {
    expect(await reloadOf(office, '/indicator-systems/bands')).toEqual({
      status: 303,
      location: '/indicator-systems',
    });
    expect(await reloadOf(office, '/what-if/upload?system=1')).toEqual({
      status: 303,
      location: '/what-if?system=1',
    });
    expect(await reloadOf(office, '/what-if/upload?system=x')).toEqual({
      status: 303,
      location: '/what-if',
    });
    expect(await reloadOf(survey, '/satisfaction/import')).toEqual({
      status: 303,
      location: '/satisfaction/new',
    });
  });
});
