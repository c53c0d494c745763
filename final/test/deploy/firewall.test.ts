/**
 * The firewall (infra/firewall.yml) in the packaged templates: only where config/<stage>.yml
 * turns it on (prod), a web ACL on the API's stage whose one rule limits log-ins and sign-ups per
 * client address, and answers beyond the limit with a 429 problem document.
 */
import assert from 'node:assert/strict';
import { resourcesOfType, STAGES, usePackages, type Json } from './packages';

/** The paths API Gateway's stage serves, as WAF sees them: with the stage. */
const SIGN_IN_PATHS = ['/prod/session', '/prod/user', '/prod/session/', '/prod/Session'];
const OTHER_PATHS = ['/prod/ping', '/prod/user/me', '/prod/sessions', '/prod/session/extra'];

describe('deploy: the firewall (AWS WAF)', function () {
  const packages = usePackages();

  for (const stage of STAGES) {
    const enabled = stage === 'prod';
    describe(stage, () => {
      it(enabled ? 'puts a web ACL in front of the API\'s stage' : 'has no firewall (config says enabled: false)', () => {
        const settings = packages[stage].state.service.custom.settings['firewall'];
        assert.equal(settings.enabled, enabled);
        const acls = resourcesOfType(packages[stage].template, 'AWS::WAFv2::WebACL');
        const associations = resourcesOfType(packages[stage].template, 'AWS::WAFv2::WebACLAssociation');
        assert.equal(acls.length, enabled ? 1 : 0);
        assert.equal(associations.length, enabled ? 1 : 0);
        if (!enabled) return;
        const [[, association] = []] = associations;
        assert.deepEqual(association?.Properties?.['WebACLArn'], { 'Fn::GetAtt': ['WebAcl', 'Arn'] });
        assert.deepEqual([association?.DependsOn].flat(), ['ApiGatewayStage']);
        const arn = JSON.stringify(association?.Properties?.['ResourceArn']);
        assert.ok(arn.includes('"/stages/prod"') && arn.includes('{"Ref":"ApiGatewayRestApi"}'), arn);
        assert.equal(acls[0]?.[1].Properties?.['Scope'], 'REGIONAL');
        assert.deepEqual(acls[0]?.[1].Properties?.['DefaultAction'], { Allow: {} });
      });

      if (!enabled) return;

      it('counts POST /session and POST /user per client address over 5 minutes, at the configured limit', () => {
        const [[, acl] = []] = resourcesOfType(packages[stage].template, 'AWS::WAFv2::WebACL');
        const rules: Json[] = acl?.Properties?.['Rules'];
        assert.equal(rules.length, 1);
        const rate = rules[0].Statement.RateBasedStatement;
        assert.equal(rate.AggregateKeyType, 'IP');
        assert.equal(rate.EvaluationWindowSec, 300);
        assert.equal(rate.Limit, packages[stage].state.service.custom.settings['firewall'].signInsPerAddress);
        const [method, uri] = rate.ScopeDownStatement.AndStatement.Statements;
        assert.deepEqual([method.ByteMatchStatement.FieldToMatch, method.ByteMatchStatement.SearchString, method.ByteMatchStatement.PositionalConstraint], [{ Method: {} }, 'POST', 'EXACTLY']);
        assert.deepEqual(uri.RegexMatchStatement.FieldToMatch, { UriPath: {} });
        assert.deepEqual(uri.RegexMatchStatement.TextTransformations, [{ Priority: 0, Type: 'LOWERCASE' }]);
        const pattern = new RegExp(uri.RegexMatchStatement.RegexString);
        for (const path of SIGN_IN_PATHS) assert.ok(pattern.test(path.toLowerCase()), `${path} is counted`);
        for (const path of OTHER_PATHS) assert.ok(!pattern.test(path.toLowerCase()), `${path} is not counted`);
      });

      it('answers beyond the limit with 429, Retry-After and a problem document a browser of the stage may read', () => {
        const [[, acl] = []] = resourcesOfType(packages[stage].template, 'AWS::WAFv2::WebACL');
        const block = acl?.Properties?.['Rules'][0].Action.Block.CustomResponse;
        assert.equal(block.ResponseCode, 429);
        assert.deepEqual(block.ResponseHeaders, [
          { Name: 'Retry-After', Value: '300' },
          { Name: 'Access-Control-Allow-Origin', Value: packages[stage].state.service.custom.settings['corsOrigin'] },
        ]);
        const body = acl?.Properties?.['CustomResponseBodies'][block.CustomResponseBodyKey];
        assert.equal(body.ContentType, 'APPLICATION_JSON');
        const problem = JSON.parse(body.Content);
        assert.deepEqual(Object.keys(problem), ['type', 'status', 'title', 'detail', 'code']);
        assert.equal(problem.status, 429);
        assert.equal(problem.code, 'too_many_attempts', 'the code log-in throttling answers (src/lib/problem.ts)');
      });
    });
  }
});
