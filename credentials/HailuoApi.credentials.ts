import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class HailuoApi implements ICredentialType {
	name = 'hailuoApi';

	displayName = 'Hailuo (API in One) API';

	documentationUrl = 'https://apiin.one/docs';

	icon: Icon = { light: 'file:../icons/hailuo.svg', dark: 'file:../icons/hailuo.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'aio_...',
			description:
				'Your API in One key (starts with aio_). Create one in the API in One dashboard.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://apiin.one/api/v1',
			required: true,
			description:
				'Where the API lives. Change it only for a proxy or the sandbox API that ships with this package.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Reading a task id that cannot exist costs no credits: 401/403 means the key was refused,
	// any other answer (usually 404) means it was accepted.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.baseUrl).replace(/\\/+$/, "")}}',
			url: '/tasks/n8n-credential-check',
			method: 'GET',
			ignoreHttpStatusErrors: { ignore: true, except: [401, 403] },
		},
		rules: [401, 403].map((code) => ({
			type: 'responseCode' as const,
			properties: {
				value: code,
				message: 'API key rejected (HTTP ' + code + '): check the key in your API in One dashboard',
			},
		})),
	};
}
