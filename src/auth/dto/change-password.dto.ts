import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class ChangePasswordDto {
  @IsString({ message: '请输入当前密码' })
  @IsNotEmpty({ message: '请输入当前密码' })
  @MaxLength(128, { message: '密码不能超过 128 位' })
  currentPassword: string;

  @IsString({ message: '请输入新密码' })
  @IsNotEmpty({ message: '请输入新密码' })
  @MaxLength(128, { message: '密码不能超过 128 位' })
  newPassword: string;

  @IsString({ message: '请再次输入新密码' })
  @IsNotEmpty({ message: '请再次输入新密码' })
  confirmPassword: string;
}
